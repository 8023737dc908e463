#!/bin/sh
# Runs the command as the unprivileged "node" user. Started as root (the default), it
# first makes the mounted settings folder writable for that user, so the api can create
# settings.json on first start whatever the owner of ./settings on the host.
set -e
if [ "$(id -u)" = "0" ]; then
  settings="${OVERCAST_SETTINGS_DIR:-/app/settings}"
  mkdir -p "$settings"
  chown node:node "$settings"
  [ -f "$settings/settings.json" ] && chown node:node "$settings/settings.json"
  exec setpriv --reuid=node --regid=node --init-groups "$@"
fi
exec "$@"
