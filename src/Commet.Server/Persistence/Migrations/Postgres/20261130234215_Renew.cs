using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Renew : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written (EF Core cannot express a deferrable key): the billing engine writes a chunk's invoice lines
            // before its invoices and defers this check to the commit (Persistence/DeferredChecks.cs).
            migrationBuilder.Sql("""ALTER TABLE invoice_lines ALTER CONSTRAINT "FK_invoice_lines_invoices_InvoiceId" DEFERRABLE INITIALLY IMMEDIATE""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE invoice_lines ALTER CONSTRAINT "FK_invoice_lines_invoices_InvoiceId" NOT DEFERRABLE""");
        }
    }
}
