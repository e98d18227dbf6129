# The runtime settings the server is deployed with (deploy/commet.service, deploy/Containerfile,
# src/Commet.Server/Properties/launchSettings.json), so that the benches measure the server as it runs in production.
# Sourced by the bench scripts; they put $SERVER_RUNTIME_ENV into the server's environment.
#   BENCH_GC_ENV=""   measure with the .NET runtime's own defaults instead (A/B of the setting itself)
#
# DOTNET_GCgen0size: a 16 MiB gen0 budget. Without it the workstation GC sizes gen0 from the L3 cache size the machine
# reports (300 MiB on some VMs, so a collection every ~80 MB allocated), which put peak RSS over 300 MB and long GC
# pauses into the portal's p99. See docs/operations.md, "Memory".
SERVER_RUNTIME_ENV=${BENCH_GC_ENV-"DOTNET_GCgen0size=0x1000000"}
