CREATE TABLE users (id integer PRIMARY KEY, name text);
ALTER TABLE users ADD COLUMN phone text;
ALTER TABLE users ADD COLUMN phone text;
ALTER TABLE users ADD COLUMN phone varchar(20) NOT NULL;
ALTER TABLE users ADD COLUMN Phone text;
ALTER TABLE users ADD COLUMN "Phone" text;
ALTER TABLE users RENAME COLUMN name TO phone;
SELECT * FROM users;
