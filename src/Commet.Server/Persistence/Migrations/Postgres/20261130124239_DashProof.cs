using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DashProof : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_PaidAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "PaidAt" });

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "RefundedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_OrganizationId_Livemode_Id",
                table: "invoices",
                columns: new[] { "OrganizationId", "Livemode", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_PaidAt",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_RefundedAt",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "IX_invoices_OrganizationId_Livemode_Id",
                table: "invoices");
        }
    }
}
