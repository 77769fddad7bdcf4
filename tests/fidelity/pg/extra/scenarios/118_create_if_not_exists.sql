CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY, name text);
CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY, email text, age integer);
INSERT INTO users VALUES (1, 'alice');
INSERT INTO users (id, email) VALUES (2, 'b@example.com');
SELECT * FROM users;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA IF NOT EXISTS app;
CREATE INDEX IF NOT EXISTS users_name_idx ON users (name);
CREATE INDEX IF NOT EXISTS users_name_idx ON users (name);
