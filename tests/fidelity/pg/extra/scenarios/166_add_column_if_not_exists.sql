CREATE TABLE users (id integer PRIMARY KEY, name text);
ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS email integer NOT NULL;
ALTER TABLE users ADD COLUMN IF NOT EXISTS name varchar(3);
INSERT INTO users VALUES (1, 'alice', 'a@x');
SELECT * FROM users;
ALTER TABLE users DROP COLUMN IF EXISTS nope, ADD COLUMN IF NOT EXISTS age integer;
