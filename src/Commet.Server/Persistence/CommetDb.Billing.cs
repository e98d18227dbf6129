using Commet.Domain.Billing;
using Commet.Server.Billing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>The billing engine's tables: subscriptions, invoices, payments, the event outbox, the test clock.</summary>
public abstract partial class CommetDb : IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<SubscriptionAddon> SubscriptionAddons => Set<SubscriptionAddon>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();
    public DbSet<InvoiceSequence> InvoiceSequences => Set<InvoiceSequence>();
    public DbSet<PaymentMethod> PaymentMethods => Set<PaymentMethod>();
    public DbSet<PaymentTransaction> Transactions => Set<PaymentTransaction>();
    public DbSet<BillingEvent> Events => Set<BillingEvent>();
    public DbSet<TestClock> TestClocks => Set<TestClock>();
    public DbSet<HostedSession> HostedSessions => Set<HostedSession>();

    /// <summary>
    /// Bumps the concurrency token of every changed subscription, so two writers cannot both win. Then, if the saved
    /// work recorded an entitlement transition, adds the customer's new state (<c>customer.state_changed</c>, see
    /// <see cref="CustomerStates"/>) and saves that too — inside the caller's transaction when there is one, so the
    /// state is read with the change written and commits with it.
    /// </summary>
    /// <remarks>
    /// Moves the catalog version of tenants whose catalog changed (see <see cref="CatalogVersion"/>). A save that writes
    /// the customer's state or the catalog version besides its own changes is one transaction (the caller's, or one it
    /// opens), so the change and its version commit together. On SQLite a save
    /// outside a transaction is a write transaction of its own: it queues on the <see cref="SqliteWriteGate"/> like
    /// the explicit ones (and holds it until everything here is written), so it never meets another writer of this
    /// process and sleeps in SQLite's busy handler (150 ms a try). Inside a transaction the transaction's owner decides.
    /// </remarks>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var gate = Database.CurrentTransaction is null ? await SqliteWriteGate.WaitAsync(this, cancellationToken) : null;
        try
        {
            return await SaveGatedAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            gate?.Release();
        }
    }

    private async Task<int> SaveGatedAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        foreach (var entry in ChangeTracker.Entries<Subscription>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version++;
            }
        }
        var touched = CatalogTouched();
        // A save that writes more than its own changes (the customer's new state, the catalog version) is one
        // transaction: a change whose version bump committed apart from it would let an event on another node resolve
        // through the old catalog or customer in between, and a crash there would leave the change without its bump.
        var transaction = Database.CurrentTransaction is null && (touched is not null || CustomerStates.HasPending(this))
            ? await Database.BeginTransactionAsync(cancellationToken)
            : null;
        await using (transaction)
        {
            try
            {
                var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                if (CustomerStates.HasPending(this))
                {
                    await CustomerStates.RecordPendingAsync(this, cancellationToken);
                    saved += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                }
                if (touched is not null)
                {
                    await BumpCatalogAsync(touched, cancellationToken);
                }
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                return saved;
            }
            catch when (transaction is not null)
            {
                // What the tracker accepted was rolled back with the transaction: it no longer describes the database.
                ChangeTracker.Clear();
                throw;
            }
        }
    }

    private void ConfigureBilling(ModelBuilder b)
    {
        var liveStatuses = string.Join(", ", SubscriptionStatus.Live.Select(s => $"'{s}'"));

        b.Entity<Subscription>(e =>
        {
            e.ToTable("subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.PlanId).HasMaxLength(40);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Version).IsConcurrencyToken();
            // One live subscription per customer, enforced by the database.
            e.HasIndex(x => x.CustomerId).IsUnique().HasFilter($"\"Status\" IN ({liveStatuses})").HasDatabaseName("IX_subscriptions_one_live_per_customer");
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId });
            // The billing engine's work queue.
            e.HasIndex(x => new { x.Livemode, x.NextActionAt });
            // The dashboard's subscriptions started and ended per day: a range seek a day (Dashboard/PerDaySql).
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.StartDate, x.Status });
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.EndedAt, x.Status });
            Tenant(e);
        });

        b.Entity<SubscriptionAddon>(e =>
        {
            e.ToTable("subscription_addons");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.SubscriptionId, x.AddonId }).IsUnique().HasFilter("\"Status\" = 'active'");
            e.HasIndex(x => x.AddonId);
        });

        b.Entity<Invoice>(e =>
        {
            e.ToTable("invoices");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Number).HasMaxLength(20);
            e.Property(x => x.Type).HasMaxLength(30);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.BillingKey).HasMaxLength(200);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Number }).IsUnique();
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.BillingKey }).IsUnique();
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId });
            e.HasIndex(x => x.SubscriptionId);
            // The dashboard's invoice list: newest first, a page at a time by cursor (ID), without sorting them all.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            // The engine's overdue sweep: outstanding invoices not yet reported, by due date.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.DueDate }).HasFilter("\"Status\" = 'outstanding' AND \"OverdueAt\" IS NULL")
                .HasDatabaseName("IX_invoices_overdue_sweep");
            e.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.InvoiceId).OnDelete(DeleteBehavior.Cascade);
            // The frozen bill-to and seller blocks, as long as the fields they are copied from.
            e.Ignore(x => x.BillTo);
            e.Ignore(x => x.Seller);
            e.Property(x => x.BillToName).HasMaxLength(255);
            e.Property(x => x.BillToEmail).HasMaxLength(320);
            e.Property(x => x.BillToLine1).HasMaxLength(255);
            e.Property(x => x.BillToLine2).HasMaxLength(255);
            e.Property(x => x.BillToCity).HasMaxLength(255);
            e.Property(x => x.BillToPostalCode).HasMaxLength(32);
            e.Property(x => x.BillToState).HasMaxLength(255);
            e.Property(x => x.BillToRegion).HasMaxLength(255);
            e.Property(x => x.BillToCountry).HasMaxLength(2);
            e.Property(x => x.BillToTaxId).HasMaxLength(100);
            e.Property(x => x.SellerName).HasMaxLength(255);
            e.Property(x => x.SellerEmail).HasMaxLength(320);
            e.Property(x => x.SellerLine1).HasMaxLength(255);
            e.Property(x => x.SellerLine2).HasMaxLength(255);
            e.Property(x => x.SellerCity).HasMaxLength(255);
            e.Property(x => x.SellerPostalCode).HasMaxLength(32);
            e.Property(x => x.SellerState).HasMaxLength(255);
            e.Property(x => x.SellerCountry).HasMaxLength(2);
            e.Property(x => x.SellerTaxId).HasMaxLength(100);
            Tenant(e);
        });

        b.Entity<InvoiceLine>(e =>
        {
            e.ToTable("invoice_lines");
            e.HasKey(x => x.Id);
            e.Property(x => x.LineType).HasMaxLength(30);
            e.Property(x => x.Quantity).HasPrecision(20, 6);
            e.Property(x => x.IncludedAmount).HasPrecision(20, 6);
            e.Property(x => x.UsedAmount).HasPrecision(20, 6);
            e.Property(x => x.OverageAmount).HasPrecision(20, 6);
            e.HasIndex(x => new { x.InvoiceId, x.Position });
        });

        b.Entity<InvoiceSequence>(e =>
        {
            e.ToTable("invoice_sequences");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
        });

        b.Entity<PaymentMethod>(e =>
        {
            e.ToTable("payment_methods");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId });
            Tenant(e);
        });

        b.Entity<PaymentTransaction>(e =>
        {
            e.ToTable("transactions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.AttemptKey).HasMaxLength(200);
            // One charge per attempt, however often the attempt is made.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.AttemptKey }).IsUnique();
            e.HasIndex(x => x.InvoiceId);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId });
            // The dashboard's revenue per day: payments and refunds of a date range.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.PaidAt });
            // Refunds only: a charge is written without a refund time, so every renewal's charge skipping these two indexes
            // saves their upkeep. The range seeks on the refund time (Dashboard/PerDaySql) imply IS NOT NULL and use them.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.RefundedAt }).HasFilter("\"RefundedAt\" IS NOT NULL");
            // The home page's revenue per day and currency (Dashboard/PerDaySql): a range seek a day and currency that
            // reads only the index (status and amount are in it); refunds, far fewer, seek by their own time.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Currency, x.PaidAt, x.Status, x.Amount });
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Currency, x.RefundedAt }).HasFilter("\"RefundedAt\" IS NOT NULL");
            // The dashboard's transactions list, newest first by cursor: a seek in ID order within the organization and
            // mode instead of a sort of all of its transactions for every page (as the invoices list's index does).
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            Tenant(e);
        });

        b.Entity<BillingEvent>(e =>
        {
            e.ToTable("events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Type).HasMaxLength(60);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Type });
            // The newest events of an organization and mode (the home page, the events list), without sorting them all.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            e.HasIndex(x => x.DispatchedAt);
            Tenant(e);
        });

        b.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));

        b.Entity<TestClock>(e =>
        {
            e.ToTable("test_clocks");
            e.HasKey(x => x.OrganizationId);
        });

        b.Entity<HostedSession>(e =>
        {
            e.ToTable("hosted_sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            Tenant(e);
        });
    }
}
