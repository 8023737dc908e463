-- Console sessions are recorded beside terminal sessions: what kind each is ('shell',
-- 'graphical' or 'serial'), and the bytes the browser sent (keys and pointer events for VNC).
ALTER TABLE "shell_sessions" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'shell';
ALTER TABLE "shell_sessions" ADD COLUMN "bytes_in" BIGINT NOT NULL DEFAULT 0;
