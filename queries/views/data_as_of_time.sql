-- name: data_as_of_time
-- purpose: the data's as-of time: the newest timestamp in the whole interaction log
--          (the moment `dropped` is judged at; queries/model/conversations.sql), for
--          the digest's "data as of" line. Null when there is no data.
-- grain: one row.
-- params: none
-- tables: data_as_of (one row, set when the connection opens: dashboard/data/raw.py)

with

data_as_of as (
    select * from data_as_of
)

select as_of
from data_as_of
