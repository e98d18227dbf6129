using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
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
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "boolean", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CustomerId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AmountSubtotal = table.Column<long>(type: "bigint", nullable: false),
                    TaxAmount = table.Column<long>(type: "bigint", nullable: false),
                    AmountTotal = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    MetadataJson = table.Column<string>(type: "text", nullable: true),
                    SuccessUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    HostedSessionId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    InvoiceId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    TransactionId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ChargeKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PaidAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CanceledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
