using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FreezeInvoiceParties : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LegalCity",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalCountry",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalLine1",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalLine2",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalName",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalPostalCode",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalState",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TaxId",
                table: "portal_settings",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToCity",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToCountry",
                table: "invoices",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToEmail",
                table: "invoices",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToLine1",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToLine2",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToName",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToPostalCode",
                table: "invoices",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToRegion",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToState",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BillToTaxId",
                table: "invoices",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerCity",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerCountry",
                table: "invoices",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerEmail",
                table: "invoices",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerLine1",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerLine2",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerName",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerPostalCode",
                table: "invoices",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerState",
                table: "invoices",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerTaxId",
                table: "invoices",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            // Invoices issued before this migration get the blocks they were being shown with, frozen from now on:
            // the customer's current details, and the name and support email the portal showed (there were no legal
            // details before). See docs/decisions.md, "Issued invoices are frozen".
            migrationBuilder.Sql("""
                UPDATE invoices SET
                  "BillToName" = (SELECT NULLIF(TRIM(c."FullName"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToEmail" = (SELECT NULLIF(TRIM(c."Email"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToLine1" = (SELECT NULLIF(TRIM(c."address_line1"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToLine2" = (SELECT NULLIF(TRIM(c."address_line2"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToCity" = (SELECT NULLIF(TRIM(c."address_city"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToPostalCode" = (SELECT NULLIF(TRIM(c."address_postal_code"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToState" = (SELECT NULLIF(TRIM(c."address_state"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToRegion" = (SELECT NULLIF(TRIM(c."address_region"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToCountry" = (SELECT NULLIF(TRIM(c."address_country"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "BillToTaxId" = (SELECT NULLIF(TRIM(c."TaxDocument"), '') FROM customers c WHERE c."Id" = invoices."CustomerId"),
                  "SellerName" = COALESCE(
                      (SELECT NULLIF(TRIM(p."DisplayName"), '') FROM portal_settings p WHERE p."OrganizationId" = invoices."OrganizationId" AND p."Livemode" = invoices."Livemode"),
                      (SELECT o."Name" FROM organizations o WHERE o."Id" = invoices."OrganizationId")),
                  "SellerEmail" = (SELECT NULLIF(TRIM(p."SupportEmail"), '') FROM portal_settings p WHERE p."OrganizationId" = invoices."OrganizationId" AND p."Livemode" = invoices."Livemode")
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LegalCity",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalCountry",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalLine1",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalLine2",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalName",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalPostalCode",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "LegalState",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "TaxId",
                table: "portal_settings");

            migrationBuilder.DropColumn(
                name: "BillToCity",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToCountry",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToEmail",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToLine1",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToLine2",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToName",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToPostalCode",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToRegion",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToState",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "BillToTaxId",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerCity",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerCountry",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerEmail",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerLine1",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerLine2",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerName",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerPostalCode",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerState",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "SellerTaxId",
                table: "invoices");
        }
    }
}
