using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StripeCustomerId",
                table: "customers",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payment_provider_accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SecretKeyProtected = table.Column<string>(type: "TEXT", nullable: false),
                    WebhookSecretProtected = table.Column<string>(type: "TEXT", nullable: false),
                    KeyLast4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_provider_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
