{#- A bounded score (NPS in [-100, 100], health in [0, 100], sentiment in [-1, 1]);
    NULL allowed (no responses, no activity). -#}
{% test value_between(model, column_name, min_value, max_value) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
