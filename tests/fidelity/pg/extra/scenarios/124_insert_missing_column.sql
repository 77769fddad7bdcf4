CREATE TABLE users (id integer PRIMARY KEY, name text);
INSERT INTO users (id, name, age) VALUES (1, 'alice', 30);
INSERT INTO users (id, nme) VALUES (1, 'alice');
INSERT INTO users (id, "Name") VALUES (1, 'alice');
INSERT INTO users VALUES (1, 'alice', 30);
INSERT INTO users (id, name) VALUES (1, 'alice');
SELECT * FROM users;
INSERT INTO users {id: 2, name: 'bob'};
