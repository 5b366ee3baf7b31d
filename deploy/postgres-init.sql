-- Runs once, when the PostgreSQL volume is first created: the database of Rasa's tracker store (Rasa creates its
-- `events` table). The bridge's database is POSTGRES_DB, created by the image itself.
CREATE DATABASE rasa OWNER letanso;
