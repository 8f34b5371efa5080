/** Network faults for harnesses: a loopback TCP proxy per link that can be cut and restored. */
package io.k8sm.sandbox.net;
