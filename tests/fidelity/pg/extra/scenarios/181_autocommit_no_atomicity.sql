CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id), total integer CHECK (total > 0));
INSERT INTO users VALUES (1, 'alice');
INSERT INTO users VALUES (2, 'bob');
INSERT INTO orders VALUES (1, 2, 10);
UPDATE users SET name = 'Alice' WHERE id = 1;
INSERT INTO orders VALUES (2, 2, -5);
SELECT * FROM users ORDER BY id;
SELECT * FROM orders ORDER BY id;
