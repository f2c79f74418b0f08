import re,sys
src=open('/work/shared/reference/openssl-ciphers.md').read()
sec=src[src.index('## 7. OpenSSL 3.0'):src.index('## 8. Sources')]
rows=[]
for line in sec.splitlines():
    if not line.startswith('| 0x'): continue
    c=[x.strip() for x in line.strip().strip('|').split('|')]
    hexs,name,std,kx,au,enc,mac,bits,mn,cls,avail,fsaead,csinfo,iana=c
    a,b=hexs.split(',')
    cid=int(a,16)*256+int(b,16)
    rows.append((cid,name,std,kx,au,enc,mac,bits,mn,cls,avail))
assert len(rows)==191,len(rows)
KX={'RSA':'Rsa','DH':'Dhe','ECDH':'Ecdhe','PSK':'Psk','RSAPSK':'RsaPsk','DHEPSK':'DhePsk','ECDHEPSK':'EcdhePsk','SRP':'Srp','GOST':'Gost','GOST18':'Gost18'}
AU={'RSA':'Rsa','DSS':'Dss','None':'Null','ECDSA':'Ecdsa','PSK':'Psk','SRP':'Srp','GOST01':'Gost01','GOST12':'Gost12'}
def encv(enc,name):
    base=enc.split('(')[0]
    size=enc[len(base)+1:-1] if '(' in enc else ''
    m={'AES':'Aes'+size,'AESGCM':'AesGcm'+size,'AESCCM':'AesCcm'+size,'AESCCM8':'AesCcm8_'+size,'Camellia':'Camellia'+size,
       'CHACHA20/POLY1305':'Chacha20','ARIAGCM':'AriaGcm'+size,'3DES':'TripleDes','RC4':'Rc4','IDEA':'Idea','SEED':'Seed','None':'Null',
       'KUZNYECHIK':'Kuznyechik','MAGMA':'Magma'}
    if base=='GOST89':
        return 'Gost89Cnt12' if '2012' in name else 'Gost89Cnt'
    return m[base]
def macv(mac,name):
    m={'MD5':'Md5','SHA1':'Sha1','SHA256':'Sha256','SHA384':'Sha384','AEAD':'Aead','GOST94':'Gost94','KUZNYECHIKOMAC':'KuznyechikOmac','MAGMAOMAC':'MagmaOmac','GOST2012':'Gost12_256'}
    if mac=='GOST89': return 'Gost89Mac12' if '2012' in name else 'Gost89Mac'
    return m[mac]
MIN={'SSLv3':'Ssl3','TLSv1':'Tls1','TLSv1.2':'Tls1_2'}
AV={'default':'Default','legacy provider':'Legacy','weak-ssl-ciphers build opt':'Weak','GOST provider/engine':'Gost'}
out=[]
def row(r,v32=False):
    cid,name,std,kx,au,enc,mac,bits,mn,cls,avail=r
    sb,ab=bits.split('/')
    flags=[]
    for f in cls.split():
        flags.append({'HIGH':'HIGH','MEDIUM':'MEDIUM','NONE':'STRONG_NONE','LOW':'LOW','FIPS':'FIPS','NOT_DEFAULT':'NOT_DEFAULT'}[f])
    if v32 and 'CCM8' in enc:
        flags=['MEDIUM' if f=='HIGH' else f for f in flags]; sb='64'
    stdn = '' if std=='(none)' else std
    return (f'    suite(0x{cid:04X}, "{name}", "{stdn}", Kx::{KX[kx]}, Au::{AU[au]}, Enc::{encv(enc,name)}, Mac::{macv(mac,name)}, '
            f'{sb}, {ab}, MinTls::{MIN[mn]}, {"|".join("class::"+f for f in flags)}, Avail::{AV[avail]}, "{kx}", "{au}", "{enc}", "{mac}"),')
print('// @generated from shared/reference/openssl-ciphers.md §7 by tools/gen_table.py; do not edit by hand.')
print('')
print('/// All 191 entries of OpenSSL 3.0 `ssl3_ciphers`, ascending code point.')
print('#[rustfmt::skip]')
print(f'pub(crate) static SUITES: [Suite; {len(rows)}] = [')
for r in rows: print(row(r))
print('];')
ccm8=[r for r in rows if 'CCM8' in r[5]]
print('')
print('/// The AES-CCM8 entries as OpenSSL 3.2+ rates them (64 strength bits, MEDIUM).')
print('#[rustfmt::skip]')
print(f'pub(crate) static CCM8_V3_2: [Suite; {len(ccm8)}] = [')
for r in ccm8: print(row(r,True))
print('];')
