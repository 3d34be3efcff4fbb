-- Issue 33: admins' own wording of the privacy consent per language (JSON of
-- `shared::consent::ConsentWording`, all four parts); NULL: the notice is generated
-- from the service's settings.
ALTER TABLE services ADD COLUMN consent_wording TEXT;
