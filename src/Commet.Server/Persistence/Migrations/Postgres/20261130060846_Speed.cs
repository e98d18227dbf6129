using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Speed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_versions",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalog_versions", x => new { x.OrganizationId, x.Livemode });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_versions");
        }
    }
}
