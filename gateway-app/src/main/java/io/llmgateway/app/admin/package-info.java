/**
 * The admin API under {@code /admin/v1}: its controllers ({@link ProjectsAdminController},
 * {@link UsersAdminController}, {@link AuditAdminController}, {@link UsageAdminController}) and stores
 * ({@link ProjectAdminStore}, {@link UserAdminStore}, {@link KeyAdminStore}, {@link LimitsAdminStore}), each change
 * written in one transaction with its {@link AuditLog} entry and made by an {@link AdminActor}; OpenAI's list shape
 * ({@link io.llmgateway.core.protocol.ListPage}, {@link Paging}).
 *
 * <p>{@link AdminConfiguration} also defines the application's one {@code ReactiveTransactionManager} and
 * {@code TransactionalOperator}, which {@code app.retrieval} uses too. The admin token is checked by
 * {@code app.security}, not here. The controllers, like every {@code @RestController}, must not depend on
 * {@code app.limits} or {@code app.usage} (the {@code Usage*} ones excepted; {@code ArchitectureTests}): they go
 * through the stores.
 */
@NullMarked
package io.llmgateway.app.admin;

import org.jspecify.annotations.NullMarked;
