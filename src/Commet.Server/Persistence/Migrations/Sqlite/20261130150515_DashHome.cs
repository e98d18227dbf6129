using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DashHome : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_PaidAt_Status_Amount",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "Currency", "PaidAt", "Status", "Amount" });

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "Currency", "RefundedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_OrganizationId_Livemode_EndedAt_Status",
                table: "subscriptions",
                columns: new[] { "OrganizationId", "Livemode", "EndedAt", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_OrganizationId_Livemode_StartDate_Status",
                table: "subscriptions",
                columns: new[] { "OrganizationId", "Livemode", "StartDate", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_events_OrganizationId_Livemode_Id",
                table: "events",
                columns: new[] { "OrganizationId", "Livemode", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_PaidAt_Status_Amount",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_subscriptions_OrganizationId_Livemode_EndedAt_Status",
                table: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_subscriptions_OrganizationId_Livemode_StartDate_Status",
                table: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_events_OrganizationId_Livemode_Id",
                table: "events");
        }
    }
}
