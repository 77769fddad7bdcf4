INSERT INTO users (name) VALUES ('alice');
INSERT INTO Users VALUES (1);
INSERT INTO public.users VALUES (1);
CREATE TABLE users (id integer);
INSERT INTO "Users" VALUES (1);
INSERT INTO users VALUES (1);
SELECT * FROM users;
UPDATE ghosts SET a = 1;
