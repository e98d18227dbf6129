using System.Text.Json.Nodes;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>Walks a PostgreSQL plan read with <c>EXPLAIN (FORMAT JSON)</c>.</summary>
public static class QueryPlans
{
    /// <summary>The node and every node under it (its "Plans"), depth first.</summary>
    public static IEnumerable<JsonNode> Nodes(JsonNode node) =>
        new[] { node }.Concat((node["Plans"] as JsonArray ?? new JsonArray()).SelectMany(child => Nodes(child!)));
}
