using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Quota : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "seat_events",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExceededPeriodStart",
                table: "seat_balances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PendingTrueUp",
                table: "seat_balances",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "PendingTrueUpUnits",
                table: "seat_balances",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "ThresholdPeriodStart",
                table: "seat_balances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_seat_events_OrganizationId_Livemode_IdempotencyKey",
                table: "seat_events",
                columns: new[] { "OrganizationId", "Livemode", "IdempotencyKey" },
                unique: true,
                filter: "\"IdempotencyKey\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_seat_events_OrganizationId_Livemode_IdempotencyKey",
                table: "seat_events");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "seat_events");

            migrationBuilder.DropColumn(
                name: "ExceededPeriodStart",
                table: "seat_balances");

            migrationBuilder.DropColumn(
                name: "PendingTrueUp",
                table: "seat_balances");

            migrationBuilder.DropColumn(
                name: "PendingTrueUpUnits",
                table: "seat_balances");

            migrationBuilder.DropColumn(
                name: "ThresholdPeriodStart",
                table: "seat_balances");
        }
    }
}
