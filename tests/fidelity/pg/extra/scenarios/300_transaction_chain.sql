-- COMMIT AND CHAIN / ROLLBACK AND CHAIN start the next transaction at once.
CREATE TABLE t (id integer PRIMARY KEY);
-- Outside a transaction block, AND CHAIN is an error (unlike a bare COMMIT's warning).
COMMIT AND CHAIN;
ROLLBACK AND CHAIN;
END AND CHAIN;
ABORT AND CHAIN;
COMMIT WORK AND CHAIN;
ROLLBACK TRANSACTION AND CHAIN;
COMMIT AND NO CHAIN;
ROLLBACK AND NO CHAIN;
-- Inside a block: the first transaction commits, the chained one is already open.
BEGIN;
INSERT INTO t VALUES (1);
COMMIT AND CHAIN;
BEGIN;
INSERT INTO t VALUES (2);
ROLLBACK AND CHAIN;
SELECT id FROM t ORDER BY id;
INSERT INTO t VALUES (3);
END AND CHAIN;
SAVEPOINT a;
INSERT INTO t VALUES (4);
ABORT AND CHAIN;
-- The savepoint went with the transaction that ended.
ROLLBACK TO SAVEPOINT a;
ROLLBACK;
BEGIN;
SELECT id FROM t ORDER BY id;
COMMIT AND NO CHAIN;
COMMIT;
-- In an aborted block, COMMIT AND CHAIN rolls back and still opens a new transaction.
BEGIN;
INSERT INTO t VALUES (1);
SELECT 1;
COMMIT AND CHAIN;
INSERT INTO t VALUES (5);
SELECT id FROM t ORDER BY id;
ROLLBACK AND NO CHAIN;
SELECT id FROM t ORDER BY id;
-- A ROLLBACK AND CHAIN in an aborted block also leaves a fresh, working transaction.
BEGIN;
SELECT 1/0;
ROLLBACK AND CHAIN;
INSERT INTO t VALUES (6);
COMMIT;
-- Settings changed with SET are undone by ROLLBACK AND CHAIN and kept by COMMIT AND CHAIN.
BEGIN;
SET search_path TO nowhere;
ROLLBACK AND CHAIN;
SHOW search_path;
SET search_path TO elsewhere;
COMMIT AND CHAIN;
SHOW search_path;
ROLLBACK;
SHOW search_path;
SELECT id FROM public.t ORDER BY id;
