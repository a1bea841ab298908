{#- A rate (METRICS.md conventions): in [0, 1] when present; NULL is allowed
    because a rate with a zero denominator is NULL. -#}
{% test fraction(model, column_name) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1 or isnan({{ column_name }}::double)
{% endtest %}
