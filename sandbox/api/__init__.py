"""One module per vendor API; each defines ``API``, a subclass of ``base.Api``.

The server mounts every module found here, so adding a source touches no
central file.
"""
