-- Issue 33: how the widget looks on a service's sites (colour, corner, launcher label,
-- welcome lines per language), as JSON (`shared::Appearance`); NULL reads as the
-- default look.
ALTER TABLE services ADD COLUMN appearance TEXT;
