#!/usr/bin/env bash
# 生成部署文件 / Regenerates the Kubernetes files from the AppHost: the AppHost publishes its manifest
# (deploy/aspire-manifest.json: services, settings, replicas, probes), then deploy/Generator turns it into
# deploy/k8s/*.yaml. Commit both. JLT_REPLICAS (default 2) and Scale:<service> settings choose the replicas:
#   deploy/generate.sh                       # every service and the gateway x2
#   JLT_REPLICAS=3 deploy/generate.sh --Scale:activities=6
# AppHost.Tests fails while the committed files differ from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
replicas=${JLT_REPLICAS:-2}
nice dotnet build AppHost/AppHost.csproj -nologo -v q -clp:ErrorsOnly
nice dotnet build deploy/Generator/DeployGenerator.csproj -nologo -v q -clp:ErrorsOnly
dotnet run --no-build --project AppHost/AppHost.csproj --no-launch-profile -- \
  --operation publish --publisher manifest --output-path "$PWD/deploy/aspire-manifest.json" \
  --Scale:Replicas="$replicas" "$@" >/dev/null
dotnet run --no-build --project deploy/Generator/DeployGenerator.csproj -- deploy/aspire-manifest.json deploy/k8s
