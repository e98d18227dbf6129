using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PortalLanguages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DefaultLocale",
                table: "portal_settings",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Locale",
                table: "portal_sessions",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Locale",
                table: "customers",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DefaultLocale",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "Locale",
                table: "portal_sessions");

            migrationBuilder.DropColumn(
                name: "Locale",
                table: "customers");
        }
    }
}
