using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PortalLogos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "portal_logos",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_logos", x => new { x.OrganizationId, x.Livemode });
                });

            migrationBuilder.CreateIndex(
                name: "IX_portal_logos_Id",
                table: "portal_logos",
                column: "Id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "portal_logos");
        }
    }
}
