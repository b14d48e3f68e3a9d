/**
 * What the modules' tests share, as real servers rather than mocks: {@link FakeUpstream} (a scripted HTTP upstream on a
 * loopback port, with {@link FakeEmbeddings} and {@link OpenAiFixtures}), {@link PostgresSupport} and
 * {@link RedisSupport} (Testcontainers where Docker runs, embedded servers otherwise; {@link DedicatedRedis} for a
 * Redis a test may restart or pause), {@link TcpProxy} (outages), the adapter contract suite
 * {@link ChatProviderContract}, and the guards that test JVMs load ({@link NettyLeakGuard},
 * {@link ThreadDumpOnFailure}, {@link NettyBlockHoundAllowances}).
 *
 * <p>Used in test scope only. Depends on {@code gateway-core} and never on the application, so that the adapters' tests
 * can use it too.
 */
@NullMarked
package io.llmgateway.testsupport;

import org.jspecify.annotations.NullMarked;
