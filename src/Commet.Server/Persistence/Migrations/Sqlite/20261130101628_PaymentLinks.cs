using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PaymentLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AmountSubtotal = table.Column<long>(type: "INTEGER", nullable: false),
                    TaxAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    MetadataJson = table.Column<string>(type: "TEXT", nullable: true),
                    SuccessUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    HostedSessionId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    InvoiceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ChargeKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CanceledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_payments_HostedSessionId",
                table: "payments",
                column: "HostedSessionId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_OrganizationId_Livemode_ChargeKey",
                table: "payments",
                columns: new[] { "OrganizationId", "Livemode", "ChargeKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_OrganizationId_Livemode_CustomerId",
                table: "payments",
                columns: new[] { "OrganizationId", "Livemode", "CustomerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payments");
        }
    }
}
