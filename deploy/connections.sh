#!/usr/bin/env bash
# 连接串 / Writes the Secret jiaolianti-connections (the services' connection strings) from the Secrets the operators
# made: <service>-db-app (CloudNativePG), jiaolianti-rabbitmq-default-user (RabbitMQ Cluster Operator) and
# jiaolianti-replay-client (the province's, below). Run it
# after deploy/k8s/infra is ready and again after a password rotation; then restart the Deployments
# (kubectl -n jiaolianti rollout restart deployment). Connection strings exist only in that Secret.
#   deploy/connections.sh [namespace]            (default: jiaolianti)
set -euo pipefail
ns=${1:-jiaolianti}
field() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }
urlencode() { jq -rn --arg v "$1" '$v|@uri'; }
args=()
for service in alliances activities parentschool campussafety wellbeing subscriptions console; do
  user=$(field "$service-db-app" username)
  password=$(field "$service-db-app" password)
  # Straight to the primary (-rw): the Marten daemon's advisory locks need session-level connections
  # (a PgBouncer Pooler in front must be in session mode).
  args+=("--from-literal=${service}db=Host=$service-db-rw;Port=5432;Database=app;Username=$user;Password=$password;Maximum Pool Size=20;Application Name=$service")
done
user=$(field jiaolianti-rabbitmq-default-user username)
password=$(field jiaolianti-rabbitmq-default-user password)
args+=("--from-literal=rabbitmq=amqp://$(urlencode "$user"):$(urlencode "$password")@jiaolianti-rabbitmq:5672/")
# The subscriptions service's EventRelay client at the province's identity provider (client-credentials grant,
# docs/subscriptions.md): its secret, from the Secret jiaolianti-replay-client (key client-secret) made when the
# client was registered there.
args+=("--from-literal=replay-client-secret=$(field jiaolianti-replay-client client-secret)")
kubectl -n "$ns" create secret generic jiaolianti-connections "${args[@]}" --dry-run=client -o yaml | kubectl -n "$ns" apply -f -
echo "Secret $ns/jiaolianti-connections written."
