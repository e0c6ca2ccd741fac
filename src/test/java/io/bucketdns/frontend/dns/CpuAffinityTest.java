package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuAffinityTest {
    @Test
    void eachSocketGetsTheCpuWhoseNumberIsItsIndexModuloTheCount() {
        assertThat(CpuAffinity.plan(new int[] {0, 1, 2, 3}, 4)).containsExactly(0, 1, 2, 3);
        assertThat(CpuAffinity.plan(new int[] {2, 5}, 2)).as("a cpuset of CPUs 2 and 5").containsExactly(2, 5);
        assertThat(CpuAffinity.plan(new int[] {3, 4, 8}, 3)).containsExactly(3, 4, 8);
    }

    @Test
    void noPlanWhereSteeringWouldStarveASocket() {
        assertThat(CpuAffinity.plan(new int[] {2, 4}, 2)).as("both 0 modulo 2").isNull();
        assertThat(CpuAffinity.plan(new int[] {0, 1}, 4)).as("more workers than CPUs").isNull();
        assertThat(CpuAffinity.plan(new int[] {0, 1, 2}, 2)).as("more CPUs than workers").isNull();
    }
}
