-- Facts about the installation itself, by key: the fingerprint of the settings the api last
-- started with, so a changed setting becomes an audit event.
CREATE TABLE "installation_state" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "installation_state_pkey" PRIMARY KEY ("key")
);
