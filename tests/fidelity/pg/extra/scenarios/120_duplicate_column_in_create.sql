CREATE TABLE t (name text, name integer);
CREATE TABLE t (Name text, NAME text);
CREATE TABLE t ("Name" text, name text);
SELECT "Name", name FROM t;
CREATE TABLE u (a integer, b integer, A text);
