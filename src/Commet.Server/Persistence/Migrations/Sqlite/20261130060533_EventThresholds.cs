using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EventThresholds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "OverdueAt",
                table: "invoices",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RefillLevel",
                table: "consumption_accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_invoices_overdue_sweep",
                table: "invoices",
                columns: new[] { "OrganizationId", "Livemode", "DueDate" },
                filter: "\"Status\" = 'outstanding' AND \"OverdueAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_invoices_overdue_sweep",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "OverdueAt",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "RefillLevel",
                table: "consumption_accounts");
        }
    }
}
