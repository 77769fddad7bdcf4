SELECT (nullif(extract(day from NULL), 1.5))::integer, (false AND NULL::boolean);
SELECT trim('x'), nullif((nullif(NULL, 1.5) + nullif(2.0, 1.5)), 1.5);
SELECT extract(year from '2024-01-01'), date_part('year', '2024-01-01'), date_part('year', NULL);
SELECT extract(year from DATE '2024-03-01'), date_part('month', DATE '2024-03-01'), extract(day from '2024-01-05'::timestamp);
SELECT nullif('a', 'b'::varchar(3)), nullif('5', 5), nullif(NULL, 1.5) + 1, nullif('x', 'x'::char(2)), nullif(1, '1');
SELECT nullif(1, 'a');
