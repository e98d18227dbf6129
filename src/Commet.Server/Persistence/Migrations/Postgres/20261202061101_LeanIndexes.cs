using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeanIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_usage_events_SubscriptionId_FeatureId_Timestamp",
                table: "usage_events");

            migrationBuilder.DropIndex(
                name: "IX_ledger_entries_SubscriptionId_Kind_Bucket",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_SubscriptionId_At",
                table: "ledger_entries",
                columns: new[] { "SubscriptionId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ledger_entries_SubscriptionId_At",
                table: "ledger_entries");

            migrationBuilder.CreateIndex(
                name: "IX_usage_events_SubscriptionId_FeatureId_Timestamp",
                table: "usage_events",
                columns: new[] { "SubscriptionId", "FeatureId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_SubscriptionId_Kind_Bucket",
                table: "ledger_entries",
                columns: new[] { "SubscriptionId", "Kind", "Bucket" });
        }
    }
}
