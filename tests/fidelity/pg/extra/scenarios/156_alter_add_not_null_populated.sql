CREATE TABLE users (id integer PRIMARY KEY, name text);
INSERT INTO users VALUES (1, 'alice'), (2, 'bob');
ALTER TABLE users ADD COLUMN email text NOT NULL;
SELECT email FROM users;
ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT NULL;
ALTER TABLE users ADD COLUMN email text UNIQUE;
ALTER TABLE users ADD COLUMN code text NOT NULL UNIQUE DEFAULT 'x';
SELECT * FROM users ORDER BY id;
