-- Run once by the TimescaleDB image on a new data volume. The apps migrate the schema
-- themselves (packages/db), creating the extension in the complextwin database.
create database complextwin;
