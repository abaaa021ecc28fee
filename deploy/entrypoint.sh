#!/bin/sh
# nearpeer <service> <command> [args...]  ->  python -m <service> <command> [args...]
# Secrets from files: every NAME_FILE variable is read into NAME (trailing newlines dropped) and removed, so that
# CLIENT_SECRET_FILE=/run/secrets/x gives the service CLIENT_SECRET. An unreadable file stops the container at once.
set -eu
for name in $(env | sed -n 's/^\([A-Z][A-Z0-9_]*\)_FILE=.*/\1/p'); do
    file=$(printenv "${name}_FILE")
    if [ ! -r "$file" ]; then
        echo "nearpeer: ${name}_FILE=$file cannot be read, so ${name} is not set" >&2
        exit 78
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
done
if [ $# -eq 0 ]; then
    echo "usage: nearpeer <gateway|matching|sessions|feedback> <serve|migrate|...> [args...]" >&2
    exit 64
fi
exec python -m "$@"
