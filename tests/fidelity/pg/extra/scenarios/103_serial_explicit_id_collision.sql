CREATE TABLE items (id serial PRIMARY KEY, label text);
INSERT INTO items (id, label) VALUES (1, 'one'), (2, 'two');
INSERT INTO items (label) VALUES ('three');
INSERT INTO items (label) VALUES ('four');
INSERT INTO items (label) VALUES ('five');
SELECT * FROM items ORDER BY id;
SELECT setval('items_id_seq', 10);
INSERT INTO items (label) VALUES ('eleven') RETURNING *;
