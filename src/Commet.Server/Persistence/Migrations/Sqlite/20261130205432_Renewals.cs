using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Renewals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions");

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "Currency", "RefundedAt" },
                filter: "\"RefundedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "RefundedAt" },
                filter: "\"RefundedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions");

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_Currency_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "Currency", "RefundedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "RefundedAt" });
        }
    }
}
