"""Data quality: Great Expectations suites per raw stream and the batch validator."""
