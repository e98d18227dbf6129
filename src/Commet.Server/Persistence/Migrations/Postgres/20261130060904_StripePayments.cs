using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StripePayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProviderReference",
                table: "transactions",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StripeCustomerId",
                table: "customers",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payment_provider_accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "boolean", nullable: false),
                    Provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SecretKeyProtected = table.Column<string>(type: "text", nullable: false),
                    WebhookSecretProtected = table.Column<string>(type: "text", nullable: false),
                    KeyLast4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_provider_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "boolean", nullable: false),
                    Type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_events", x => new { x.OrganizationId, x.Livemode, x.Id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_transactions_OrganizationId_Livemode_ProviderReference",
                table: "transactions",
                columns: new[] { "OrganizationId", "Livemode", "ProviderReference" });

            migrationBuilder.CreateIndex(
                name: "IX_payment_provider_accounts_OrganizationId_Livemode",
                table: "payment_provider_accounts",
                columns: new[] { "OrganizationId", "Livemode" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_provider_accounts");

            migrationBuilder.DropTable(
                name: "stripe_events");

            migrationBuilder.DropIndex(
                name: "IX_transactions_OrganizationId_Livemode_ProviderReference",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "ProviderReference",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "StripeCustomerId",
                table: "customers");
        }
    }
}
