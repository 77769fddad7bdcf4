CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO users VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
INSERT INTO users VALUES (4, 'dave'), (4, 'dup');
INSERT INTO users VALUES (5, 'erin'), (6, NULL);
INSERT INTO users VALUES (7, 'frank'), (8);
INSERT INTO users VALUES (9, 'gina'), (1, 'again');
SELECT count(*) FROM users;
SELECT * FROM users ORDER BY id DESC;
INSERT INTO users VALUES (10, 'x'), (11, 'y'), (12, 'z') RETURNING id;
