-- A role and a database for the Prefect server. Choose your own password.
CREATE ROLE prefect LOGIN PASSWORD 'choose-a-password';
CREATE DATABASE prefect OWNER prefect;
