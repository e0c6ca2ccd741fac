package io.bucketdns;
public final class Main { public static void main(String[] a) {} }
