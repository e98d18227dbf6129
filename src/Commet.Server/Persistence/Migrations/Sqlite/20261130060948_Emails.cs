using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Emails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "EmailCancellation",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "EmailPaymentFailed",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "EmailPortalLinks",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "EmailReceipts",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "EmailTrialEnding",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "EmailUpcomingRenewal",
                table: "portal_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateTable(
                name: "email_messages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    InvoiceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    SubscriptionId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Data = table.Column<string>(type: "TEXT", nullable: true),
                    ToAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Culture = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_email_messages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_OrganizationId_Livemode_CustomerId_Kind_CreatedAt",
                table: "email_messages",
                columns: new[] { "OrganizationId", "Livemode", "CustomerId", "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_OrganizationId_Livemode_Id",
                table: "email_messages",
                columns: new[] { "OrganizationId", "Livemode", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_Status_NextAttemptAt",
                table: "email_messages",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "email_messages");

            migrationBuilder.DropColumn(
                name: "EmailCancellation",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "EmailPaymentFailed",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "EmailPortalLinks",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "EmailReceipts",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "EmailTrialEnding",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "EmailUpcomingRenewal",
                table: "portal_settings");
        }
    }
}
