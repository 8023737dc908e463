-- Every change that ends or narrows someone's access is announced on the "overcast_access"
-- channel when its transaction commits, whichever code path (or hand-written SQL) made it. Each
-- api process listens and re-checks the open WebSockets (terminals, event streams) it covers, so
-- revocation reaches sockets opened before it. Payloads only say whom to re-check; the reason is
-- read back from the database.

CREATE FUNCTION "announce_access_change"(payload jsonb) RETURNS void AS $$
BEGIN
  PERFORM pg_notify('overcast_access', payload::text);
END;
$$ LANGUAGE plpgsql;

-- Sessions: revoked (logout, "log out everywhere", removal), cut short, or deleted while live.
CREATE FUNCTION "sessions_access_changed"() RETURNS trigger AS $$
BEGIN
  PERFORM "announce_access_change"(jsonb_build_object('sessionId', OLD."id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "sessions_access_changed_update" AFTER UPDATE OF "revoked_at", "expires_at", "user_id" ON "sessions"
  FOR EACH ROW WHEN (OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at"
                     OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
                     OR OLD."user_id" IS DISTINCT FROM NEW."user_id")
  EXECUTE FUNCTION "sessions_access_changed"();
-- Pruning old sessions deletes rows that are already over: only live ones are announced.
CREATE TRIGGER "sessions_access_changed_delete" AFTER DELETE ON "sessions"
  FOR EACH ROW WHEN (OLD."revoked_at" IS NULL AND OLD."expires_at" > now())
  EXECUTE FUNCTION "sessions_access_changed"();

-- API tokens: revoked, expiry moved, or deleted.
CREATE FUNCTION "api_tokens_access_changed"() RETURNS trigger AS $$
BEGIN
  PERFORM "announce_access_change"(jsonb_build_object('tokenId', OLD."id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "api_tokens_access_changed_update" AFTER UPDATE OF "revoked_at", "expires_at", "organization_id", "scope" ON "api_tokens"
  FOR EACH ROW WHEN (OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at"
                     OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
                     OR OLD."organization_id" IS DISTINCT FROM NEW."organization_id"
                     OR OLD."scope" IS DISTINCT FROM NEW."scope")
  EXECUTE FUNCTION "api_tokens_access_changed"();
CREATE TRIGGER "api_tokens_access_changed_delete" AFTER DELETE ON "api_tokens"
  FOR EACH ROW WHEN (OLD."revoked_at" IS NULL)
  EXECUTE FUNCTION "api_tokens_access_changed"();

-- A member removed, or their role changed; joining or leaving a team changes their policies.
CREATE FUNCTION "member_access_changed"() RETURNS trigger AS $$
BEGIN
  PERFORM "announce_access_change"(
    jsonb_build_object('organizationId', OLD."organization_id", 'userId', OLD."user_id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "memberships_access_changed_update" AFTER UPDATE OF "role" ON "memberships"
  FOR EACH ROW WHEN (OLD."role" IS DISTINCT FROM NEW."role")
  EXECUTE FUNCTION "member_access_changed"();
CREATE TRIGGER "memberships_access_changed_delete" AFTER DELETE ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "member_access_changed"();

CREATE FUNCTION "team_member_access_changed"() RETURNS trigger AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'INSERT' THEN r := NEW; ELSE r := OLD; END IF;
  PERFORM "announce_access_change"(
    jsonb_build_object('organizationId', r."organization_id", 'userId', r."user_id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "team_members_access_changed" AFTER INSERT OR DELETE ON "team_members"
  FOR EACH ROW EXECUTE FUNCTION "team_member_access_changed"();

-- A team's policies replaced: Postgres folds the identical notices of one transaction into one.
CREATE FUNCTION "team_policy_access_changed"() RETURNS trigger AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM "announce_access_change"(
    jsonb_build_object('organizationId', r."organization_id", 'teamId', r."team_id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "team_policies_access_changed" AFTER INSERT OR UPDATE OR DELETE ON "team_policies"
  FOR EACH ROW EXECUTE FUNCTION "team_policy_access_changed"();

-- An organization deleted: everyone's access to it ends.
CREATE FUNCTION "organization_access_changed"() RETURNS trigger AS $$
BEGIN
  PERFORM "announce_access_change"(jsonb_build_object('organizationId', OLD."id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "organizations_access_changed" AFTER DELETE ON "organizations"
  FOR EACH ROW EXECUTE FUNCTION "organization_access_changed"();
