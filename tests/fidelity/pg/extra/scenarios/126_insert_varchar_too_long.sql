CREATE TABLE users (id integer PRIMARY KEY, name varchar(10), code char(2));
INSERT INTO users VALUES (1, 'short', 'ab');
INSERT INTO users VALUES (2, 'much too long for this', 'ab');
INSERT INTO users VALUES (3, 'x', 'abc');
INSERT INTO users VALUES (4, 'much too long for this'::varchar(10), 'abc'::char(2));
INSERT INTO users VALUES (5, 'ten chars!   ', 'a ');
SELECT id, name, code, length(name), octet_length(name) FROM users ORDER BY id;
UPDATE users SET name = 'eleven chars' WHERE id = 1;
SELECT 'abcdef'::varchar(3), 'ab'::char(4), 'ab'::char(4) = 'ab', length('ab'::char(4));
