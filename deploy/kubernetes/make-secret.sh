#!/usr/bin/env bash
# Prints the Secret "planner-secrets" the Deployment reads, so that no secret is
# kept in the repository:
#   DATABASE_URL=postgresql://planner:PASSWORD@db.example.com:5432/planner?sslmode=require \
#     deploy/kubernetes/make-secret.sh [secrets.toml] | kubectl apply -f -
# COOKIE_SECRET and OPERATOR_TOKEN are made at random unless given (keep them:
# every replica must share the cookie secret). The optional secrets.toml (e.g. an
# [auth] section for sign-in) is mounted as the app's .streamlit/secrets.toml.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL URL}"
random() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
cookie="${COOKIE_SECRET:-$(random)}"
operator="${OPERATOR_TOKEN:-$(random)}"
toml_file="${1:-}"
indent() { sed 's/^/    /'; }
cat <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: planner-secrets
  labels:
    app.kubernetes.io/name: talent-planner
type: Opaque
stringData:
  database-url: "${DATABASE_URL}"
  cookie-secret: "${cookie}"
  operator-token: "${operator}"
  secrets.toml: |
YAML
if [ -n "$toml_file" ]; then indent < "$toml_file"; else echo "    # no [auth] or other secrets"; fi
